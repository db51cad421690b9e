package dev.vault.engine.repo.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MasterKeyTest {
    static final int OVERHEAD = 28;
    final MasterKey key = MasterKey.generate();
    final byte[] ad = "vault blob test".getBytes();

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void sealedSegmentsAreTinkAesGcmAndRoundTrip() throws GeneralSecurityException {
        byte[] body = random(3 * MasterKey.SEGMENT + 1000);
        byte[] sealed = key.seal(1, body, 0, body.length, ad);
        byte[] logical = new byte[body.length + 1];
        logical[0] = 1;
        System.arraycopy(body, 0, logical, 1, body.length);
        assertArrayEquals(logical, key.open(sealed, ad));
        int full = MasterKey.SEGMENT + OVERHEAD;
        int segments = 4;
        assertEquals(logical.length + segments * OVERHEAD, sealed.length);
        for (int i = 0; i < segments; i++) {
            byte[] seg = Arrays.copyOfRange(sealed, i * full, Math.min(sealed.length, (i + 1) * full));
            byte[] p = key.openSegmentWithTink(seg, ad, i, i == segments - 1);
            assertArrayEquals(Arrays.copyOfRange(logical, i * MasterKey.SEGMENT, Math.min(logical.length, (i + 1) * MasterKey.SEGMENT)), p);
        }
    }

    @Test
    void emptyAndExactSegmentSizesRoundTrip() throws GeneralSecurityException {
        for (int n : new int[] {0, 1, MasterKey.SEGMENT - 1, MasterKey.SEGMENT, 2 * MasterKey.SEGMENT}) {
            byte[] p = random(n);
            assertArrayEquals(p, key.open(key.seal(p, ad), ad), "size " + n);
        }
    }

    @Test
    void tamperingReorderingTruncationAndWrongContextFail() {
        byte[] p = random(3 * MasterKey.SEGMENT);
        byte[] sealed = key.seal(p, ad);
        byte[] flipped = sealed.clone();
        flipped[100] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> key.open(flipped, ad));
        int full = MasterKey.SEGMENT + OVERHEAD;
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, 0, swapped, full, full);
        System.arraycopy(sealed, full, swapped, 0, full);
        assertThrows(GeneralSecurityException.class, () -> key.open(swapped, ad));
        assertThrows(GeneralSecurityException.class, () -> key.open(Arrays.copyOf(sealed, 2 * full), ad));
        assertThrows(GeneralSecurityException.class, () -> key.open(sealed, "another blob".getBytes()));
        assertThrows(GeneralSecurityException.class, () -> MasterKey.generate().open(sealed, ad));
    }

    @Test
    void keyReadFromItsBytesSkipsTinkAndStillWritesTinksFormat() throws GeneralSecurityException {
        MasterKey back = MasterKey.fromBytes(key.toBytes());
        assertTrue(back.readWithoutTink(), "a vault-made keyset is one raw AES-GCM key: read without Tink");
        assertArrayEquals(key.toBytes(), back.toBytes());
        byte[] body = random(MasterKey.SEGMENT + 10);
        byte[] sealed = back.seal(0, body, 0, body.length, ad);
        byte[] logical = new byte[body.length + 1];
        System.arraycopy(body, 0, logical, 1, body.length);
        assertArrayEquals(logical, key.open(sealed, ad));
        // Tink itself, parsing the same keyset bytes, opens what the Tink-free key sealed
        int full = MasterKey.SEGMENT + OVERHEAD;
        assertArrayEquals(Arrays.copyOfRange(logical, 0, MasterKey.SEGMENT),
                back.openSegmentWithTink(Arrays.copyOfRange(sealed, 0, full), ad, 0, false));
        assertArrayEquals(Arrays.copyOfRange(logical, MasterKey.SEGMENT, logical.length),
                back.openSegmentWithTink(Arrays.copyOfRange(sealed, full, sealed.length), ad, 1, true));
    }

    @Test
    void keysetsOtherThanOneRawAesGcmKeyAreLeftToTink() {
        byte[] material = key.toBytes();
        int n = java.nio.ByteBuffer.wrap(material).getInt();
        byte[] ks = Arrays.copyOfRange(material, 4, 4 + n);
        assertTrue(MasterKey.rawAesGcmKey(ks) != null);
        for (int i = 0; i < ks.length; i++) {
            byte[] broken = Arrays.copyOf(ks, i); // a truncated keyset never throws here (Tink judges it)
            MasterKey.rawAesGcmKey(broken);
        }
        byte[] twice = new byte[2 * ks.length];
        System.arraycopy(ks, 0, twice, 0, ks.length);
        System.arraycopy(ks, 0, twice, ks.length, ks.length);
        assertEquals(null, MasterKey.rawAesGcmKey(twice), "two keys");
    }

    @Test
    void keyFileOpensOnlyWithItsPassword() throws GeneralSecurityException {
        KeyFile.KdfParams fast = new KeyFile.KdfParams(1 << 10, 8, 1);
        byte[] kf = KeyFile.create(key, "right".toCharArray(), fast, "host", "user");
        MasterKey back = KeyFile.unlock(kf, "right".toCharArray());
        byte[] sealed = key.seal(random(5000), ad);
        assertArrayEquals(key.open(sealed, ad), back.open(sealed, ad));
        assertArrayEquals(key.id(new byte[] {1, 2}, 0, 2), back.id(new byte[] {1, 2}, 0, 2));
        assertThrows(GeneralSecurityException.class, () -> KeyFile.unlock(kf, "wrong".toCharArray()));
    }
    @Test
    void sealIntoAReusedBufferOpensLikeSealAtEverySize() throws GeneralSecurityException {
        int seg = MasterKey.SEGMENT;
        for (Crypto c : new Crypto[] {key, new PlainCrypto()}) {
            byte[] out = new byte[c.sealedSize(4 * seg)]; // reused for every size, larger than most need
            Arrays.fill(out, (byte) 0x5a);
            for (int len : new int[] {3 * seg + 5, 0, 1, seg - 2, seg - 1, seg, seg + 1}) {
                byte[] body = random(len + 3);
                int n = c.sealInto(1, body, 3, len, ad, out);
                assertEquals(c.sealedSize(len + 1), n, "length " + len);
                assertEquals(c.seal(1, body, 3, len, ad).length, n);
                int[] flag = new int[1];
                assertArrayEquals(Arrays.copyOfRange(body, 3, 3 + len), c.openBody(Arrays.copyOf(out, n), ad, flag), "length " + len);
                assertEquals(1, flag[0]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> key.sealInto(0, new byte[100], 0, 100, ad, new byte[100]));
    }

    @Test
    void openBodySplitsOffTheFlagAtEverySizeAndStillAuthenticates() throws GeneralSecurityException {
        int seg = MasterKey.SEGMENT;
        for (int len : new int[] {0, 1, seg - 2, seg - 1, seg, seg + 1, 3 * seg + 5}) {
            byte[] body = random(len + 3);
            byte[] sealed = key.seal(1, body, 3, len, ad);
            int[] flag = new int[1];
            assertArrayEquals(Arrays.copyOfRange(body, 3, 3 + len), key.openBody(sealed, ad, flag), "length " + len);
            assertEquals(1, flag[0]);
            // the default (open, then copy) gives the same
            int[] flag2 = new int[1];
            assertArrayEquals(Arrays.copyOfRange(body, 3, 3 + len), new Crypto() {
                public boolean encrypted() {
                    return true;
                }

                public byte[] id(byte[] d, int o, int l) {
                    return key.id(d, o, l);
                }

                public byte[] seal(byte[] plain, byte[] a) {
                    return key.seal(plain, a);
                }

                public byte[] open(byte[] s2, byte[] a) throws GeneralSecurityException {
                    return key.open(s2, a);
                }

                public long chunkerSeed(long c) {
                    return c;
                }
            }.openBody(sealed, ad, flag2));
            assertEquals(1, flag2[0]);
            for (int at : new int[] {0, sealed.length / 2, sealed.length - 1}) {
                byte[] bad = sealed.clone();
                bad[at] ^= 1;
                assertThrows(GeneralSecurityException.class, () -> key.openBody(bad, ad, new int[1]), "flip at " + at);
            }
        }
        assertThrows(GeneralSecurityException.class, () -> key.openBody(key.seal(new byte[0], ad), ad, new int[1]));
    }
}

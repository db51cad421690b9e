package dev.vault.engine.repo.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

/** Hostile key files are refused as damaged before scrypt runs; version 2 cannot be edited back to 1. */
class KeyFileTest {
    static final KeyFile.KdfParams FAST = new KeyFile.KdfParams(1 << 10, 8, 1);
    static final String SALT = "\"salt\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"";

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void absurdParametersBadBase64AndWrongJsonAreDamagedNotOutOfMemory() {
        String data = "\"data\":\"" + "A".repeat(160) + "\"";
        String[] hostile = {
            // 128 GiB and 16 GiB of scrypt memory: refused before anything is allocated (else OutOfMemoryError)
            "{\"kdf\":\"scrypt\",\"n\":1073741824,\"r\":8,\"p\":1," + SALT + "," + data + "}",
            "{\"kdf\":\"scrypt\",\"n\":4194304,\"r\":32,\"p\":16," + SALT + "," + data + "}",
            "{\"kdf\":\"scrypt\",\"n\":-2147483648,\"r\":8,\"p\":1," + SALT + "," + data + "}",
            "{\"kdf\":\"scrypt\",\"n\":1000,\"r\":8,\"p\":1," + SALT + "," + data + "}",
            "{\"kdf\":\"scrypt\",\"n\":1024,\"r\":0,\"p\":1," + SALT + "," + data + "}",
            "{\"kdf\":\"scrypt\",\"n\":1024,\"r\":8,\"p\":1,\"salt\":\"!!\"," + data + "}",
            "{\"kdf\":\"scrypt\",\"n\":1024,\"r\":8,\"p\":1," + SALT + ",\"data\":\"%%%\"}",
            "{\"kdf\":\"scrypt\",\"n\":1024,\"r\":8,\"p\":1," + SALT + ",\"data\":\"AAAA\"}",
            "{\"kdf\":\"argon2\",\"n\":1024,\"r\":8,\"p\":1," + SALT + "," + data + "}",
            "{\"version\":7,\"kdf\":\"scrypt\",\"n\":1024,\"r\":8,\"p\":1," + SALT + "," + data + "}",
            "[1,2,3]",
            "{\"n\":\"lots\"}",
            "",
            "{" + " ".repeat(KeyFile.MAX_FILE) + "}",
        };
        for (String h : hostile) {
            assertThrows(KeyFile.DamagedKeyFileException.class, () -> KeyFile.open(json(h), "pw".toCharArray()),
                    h.length() > 200 ? h.substring(0, 200) : h);
            assertThrows(KeyFile.DamagedKeyFileException.class, () -> KeyFile.validate(json(h)));
        }
    }

    @Test
    void aVersionTwoKeyFileEditedToVersionOneNoLongerOpens() throws Exception {
        MasterKey key = MasterKey.generate();
        byte[] v2 = KeyFile.create(key, "pw".toCharArray(), FAST, "h", "u", 2);
        assertEquals(2, KeyFile.open(v2, "pw".toCharArray()).version());
        String edited = new String(v2, StandardCharsets.UTF_8).replace("\"version\": 2", "\"version\": 1");
        assertTrue(!edited.equals(new String(v2, StandardCharsets.UTF_8)), edited);
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> KeyFile.open(json(edited), "pw".toCharArray()));
        assertTrue(!(e instanceof KeyFile.DamagedKeyFileException), "looks like a wrong password, not like a valid v1 file");
        assertEquals(1, KeyFile.open(KeyFile.create(key, "pw".toCharArray(), FAST, "h", "u"), "pw".toCharArray()).version());
    }
}

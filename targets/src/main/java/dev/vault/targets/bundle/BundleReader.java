package dev.vault.targets.bundle;

import com.github.luben.zstd.ZstdInputStream;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a bundle: checks the header (and the password, before any entry is read), then yields tar
 * entries. Whether an entry is safe to write is {@link RestoreBundle}'s job.
 */
public final class BundleReader implements Closeable {
    private final TarArchiveInputStream tar;
    private final boolean encrypted;

    private BundleReader(TarArchiveInputStream tar, boolean encrypted) {
        this.tar = tar;
        this.encrypted = encrypted;
    }

    /**
     * Opens a bundle. For an encrypted bundle {@code password} is asked for; a missing password is a
     * usage error and a wrong one fails with exit code 12, in both cases before anything is read further.
     *
     * @param name the bundle's name for messages (its path)
     */
    public static BundleReader open(InputStream in, String name, Supplier<char[]> password) throws IOException {
        InputStream src = new BufferedInputStream(in, 1 << 16);
        BundleHeader h = BundleHeader.read(src, name);
        if (h.encrypted) {
            char[] pw = password.get();
            if (pw == null) {
                throw new VaultException(ExitCodes.USAGE, name + " is encrypted; give its password in VAULT_PASSWORD or"
                        + " with --password-file");
            }
            byte[] key = h.unlock(pw);
            if (key == null) {
                throw new VaultException(ExitCodes.WRONG_PASSWORD, "wrong password for bundle " + name
                        + "; nothing was restored");
            }
            try {
                src = new AesGcmHkdfStreaming(key, BundleWriter.HKDF, BundleWriter.KEY_SIZE, BundleWriter.SEGMENT, 0)
                        .newDecryptingStream(src, h.toBytes());
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot set up bundle decryption: " + e.getMessage(), e);
            }
        }
        ZstdInputStream z = new ZstdInputStream(src);
        return new BundleReader(new TarArchiveInputStream(new BufferedInputStream(z, 1 << 16), "UTF-8"), h.encrypted);
    }

    public boolean encrypted() {
        return encrypted;
    }

    /** The next entry, or null at the end; its content is read from {@link #content()}. */
    public TarArchiveEntry next() throws IOException {
        return tar.getNextEntry();
    }

    /** The current entry's content (do not close it). */
    public InputStream content() {
        return tar;
    }

    /**
     * Reads whatever follows the last entry so that the zstd checksum and the final encrypted segment
     * are verified; a truncated or tampered bundle fails here.
     */
    public void verifyEnd() throws IOException {
        byte[] buf = new byte[8192];
        while (tar.read(buf) >= 0) {
            // drain the current entry
        }
        while (tar.getNextEntry() != null) {
            // entries after the end marker would have been returned by next(); nothing to do
        }
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}

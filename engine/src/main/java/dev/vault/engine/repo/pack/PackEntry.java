package dev.vault.engine.repo.pack;

/** Where one blob sits inside a pack: byte range of its stored (sealed) form and its plaintext length. */
public record PackEntry(BlobType type, BlobId id, long offset, int length, int rawLength) {
}

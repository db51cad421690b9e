package dev.vault.engine.repo.pack;

/** What a blob holds: file content (a chunk) or a directory listing (a tree). */
public enum BlobType {
    DATA(0),
    TREE(1);

    private final int code;

    BlobType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static BlobType of(int code) {
        switch (code) {
            case 0:
                return DATA;
            case 1:
                return TREE;
            default:
                throw new IllegalArgumentException("unknown blob type " + code);
        }
    }
}

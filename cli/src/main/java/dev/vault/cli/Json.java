package dev.vault.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** One JSON writer for every command's --json output. */
final class Json {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }
}

/** Blobs (compressed, sealed chunks and trees) and the pack files that hold them: byte layout, writing and reading. */
package dev.vault.engine.repo.pack;

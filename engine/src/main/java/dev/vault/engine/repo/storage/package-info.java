/** The storage boundary of a backup repository: typed, named, write-once files, their local-directory and in-memory homes, and wrappers (fault injection, read-only, caching) composed around them. */
package dev.vault.engine.repo.storage;

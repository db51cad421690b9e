/** Snapshots (what was backed up, when, from where) and the trees of nodes (files, directories, symlinks) they point to. */
package dev.vault.engine.repo.snapshot;

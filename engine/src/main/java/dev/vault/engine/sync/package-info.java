/**
 * Git sync: a {@link dev.vault.engine.sync.Workspace} (a Git clone plus vault's state under
 * {@code .git/vault/}) is kept identical to its {@link dev.vault.engine.sync.Hub} by rounds of
 * {@link dev.vault.engine.sync.SyncEngine} that commit, merge in memory by vault's conflict rules,
 * update the working tree file by file and push, without ever losing a version.
 */
package dev.vault.engine.sync;

/** Runs that put backups onto targets with the engine's backup repository: the guarded storage and the runner. */
package dev.vault.targets.run;

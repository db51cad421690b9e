/** When targets are backed up (schedule policies, retention) and the scheduler pass that runs what is due. */
package dev.vault.targets.schedule;

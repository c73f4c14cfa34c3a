import type { ChildProcess } from 'node:child_process';
import { waitFor } from './free-port.ts';

/**
 * A local stand-in service running as a child process: waits until `probe` answers (failing fast,
 * with the tail of its stderr, if the process dies first) and stops it on request.
 */
export async function superviseService(
  name: string,
  child: ChildProcess,
  probe: () => Promise<unknown>,
): Promise<{ stop(): Promise<void> }> {
  let stderr = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitFor(name, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
      await probe();
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

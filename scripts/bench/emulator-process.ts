// The loopback xAI emulator in its own process (its own event loop, as a real server would be),
// started through its CLI; ready when it prints its endpoints.
import { spawn, type ChildProcess } from "node:child_process";

export interface EmulatorProcess {
  issuer: string;
  apiBase: string;
  stop(): Promise<void>;
}

export function startEmulatorProcess(cli: string, args: string[]): Promise<EmulatorProcess> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`emulator exited early (${code}): ${out}`)));
    child.stdout!.on("data", (d) => {
      out += d;
      const issuer = /^\s*issuer\s+(\S+)/m.exec(out)?.[1];
      const apiBase = /^\s*api base\s+(\S+)/m.exec(out)?.[1];
      if (issuer && apiBase && /Ctrl-C to stop/.test(out)) {
        child.removeAllListeners("exit");
        resolve({
          issuer,
          apiBase,
          stop: () => new Promise((r) => {
            child.once("exit", () => r());
            child.kill("SIGTERM");
          }),
        });
      }
    });
  });
}

// Progress on stderr while checks run. ora is imported lazily: it is only needed on a
// real terminal, and costs ~45 ms to load.
import type { Stream } from "./io.js";

export interface Progress {
  update(text: string): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update() {}, stop() {} };

export async function startProgress(enabled: boolean, stream: Stream, text: string): Promise<Progress> {
  if (!enabled) return NO_PROGRESS;
  const { default: ora } = await import("ora");
  // isEnabled is decided by us (io.spinnerAllowed); discardStdin false: we never read stdin.
  const spinner = ora({ text, stream: stream as NodeJS.WritableStream, isEnabled: true, discardStdin: false }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    stop: () => {
      spinner.stop();
    },
  };
}

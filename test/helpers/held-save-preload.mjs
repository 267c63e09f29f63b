// Preloaded into the CLI under test (NODE_OPTIONS="--import <this file>"): the atomic save of a
// rotated login is held at its last step, the rename of `.auth_<random>.tmp` onto auth.json, until
// the test says go. Reaching it writes HD_TEST_HOLD_DIR/reached; the rename then waits for
// HD_TEST_HOLD_DIR/release to exist (an fs.watch, which also keeps the process alive meanwhile).
// The test synchronises on those files, never on the clock.
import fs from "node:fs";
import fsp from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import path from "node:path";

const dir = process.env.HD_TEST_HOLD_DIR;
const rename = fsp.rename.bind(fsp);
fsp.rename = async (from, to, ...rest) => {
  if (dir && /\.auth_[^/\\]*\.tmp$/.test(String(from))) {
    const release = path.join(dir, "release");
    fs.writeFileSync(path.join(dir, "reached"), String(from));
    await new Promise((resolve) => {
      const watcher = fs.watch(dir, () => check());
      const check = () => {
        if (fs.existsSync(release)) {
          watcher.close();
          resolve();
        }
      };
      check();
    });
  }
  return rename(from, to, ...rest);
};
syncBuiltinESMExports();

// Preloaded into the CLI under test (NODE_OPTIONS="--import <this file>"): registers
// record-loads-hooks.mjs, which appends every module URL the ESM loader loads to the file
// named by HD_TEST_LOADS_FILE, one a line. Tests read it to prove what a command never loads.
import { register } from "node:module";

const file = process.env.HD_TEST_LOADS_FILE;
if (file) register("./record-loads-hooks.mjs", import.meta.url, { data: { file } });

// A plugin whose check never settles and ignores its abort signal: the runner must abandon it.
export const hangs = {
  id: "plugin.hangs",
  title: "A check that hangs",
  layer: "store",
  description: "Never answers.",
  timeoutMs: 300,
  run: () => new Promise(() => {}),
};
export const helper = "named exports without run() are not checks and are ignored";

// A plugin whose check throws: it must become an error result, never a crash.
export default {
  id: "plugin.throws",
  title: "A check that throws",
  layer: "store",
  description: "Throws as soon as it runs.",
  async run() {
    throw new Error("plugin exploded on purpose");
  },
};

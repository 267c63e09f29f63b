// A valid check that depends on a check nobody registered.
export default [
  { id: "plugin.orphan", title: "Orphan", layer: "store", description: "needs a missing check", dependsOn: ["nope.missing"], run: async () => ({ status: "pass", summary: "never" }) },
];

// A valid check whose id a built-in check already has.
export default { id: "store.file", title: "Again", layer: "store", description: "duplicate id", run: async () => ({ status: "pass", summary: "never" }) };

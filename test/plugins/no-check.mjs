// A module that exports something, but no check.
export default { id: "plugin.broken", title: "No run function", layer: "store", description: "missing run" };

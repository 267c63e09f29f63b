// A module that throws while it is imported.
throw new Error("cannot initialise the plugin");

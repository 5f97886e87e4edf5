/** Loads the action modules of actions/: one file per documented action, named after it. */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ActionDefinition } from "./action.js";

export const actionsDir = fileURLToPath(new URL("../../actions/", import.meta.url));

export type ActionRegistry = ReadonlyMap<string, ActionDefinition>;

let loaded: Promise<ActionRegistry> | undefined;

export function loadActions(): Promise<ActionRegistry> {
  loaded ??= (async () => {
    const files = readdirSync(actionsDir).filter((f) => /^[A-Z]\w+\.ts$/.test(f)).sort();
    const map = new Map<string, ActionDefinition>();
    for (const file of files) {
      const mod = (await import(pathToFileURL(actionsDir + file).href)) as { default?: ActionDefinition };
      const def = mod.default;
      if (!def || def.name !== file.replace(/\.ts$/, "")) {
        throw new Error(`actions/${file} must default-export defineAction({ name: "${file.replace(/\.ts$/, "")}", … })`);
      }
      map.set(def.name, def);
    }
    return map;
  })();
  return loaded;
}

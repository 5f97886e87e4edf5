/**
 * Change notifications from the control plane to the gateway: after an action commits, it
 * says which service's published configuration may have changed, and the gateway rebuilds
 * its compiled view of that service.
 */
import { EventEmitter } from "node:events";

export interface ChangeEvent {
  appId: string;
  region: string;
  /** The service whose serving configuration changed; undefined when it may be any. */
  serviceId?: string;
}

export class Events {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  changed(e: ChangeEvent): void {
    this.emitter.emit("changed", e);
  }

  onChanged(fn: (e: ChangeEvent) => void): () => void {
    this.emitter.on("changed", fn);
    return () => this.emitter.off("changed", fn);
  }
}

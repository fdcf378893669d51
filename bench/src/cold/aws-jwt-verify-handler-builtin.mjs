// The minimal aws-jwt-verify handler with one change: node:http taken with process.getBuiltinModule
// instead of an ESM import, which on Node 24 also loads the WebSocket client (the import reads the
// module's lazy WebSocket getters). Information only: what the minimal handler gains from the same
// change the project makes, so the comparison with it is read fairly.
import { createMinimalHandler } from './minimal-handler.mjs';

export const handler = createMinimalHandler(process.getBuiltinModule('node:http').request);

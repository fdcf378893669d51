// The minimal aws-jwt-verify handler as a user writes it: node:http by an ESM import.
import { request } from 'node:http';
import { createMinimalHandler } from './minimal-handler.mjs';

export const handler = createMinimalHandler(request);

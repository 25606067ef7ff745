import type { Config } from './config.js';
import type { Db } from './db/client.js';

/** What every use case receives besides the actor and its input. */
export type ServiceContext = { db: Db; config: Config };

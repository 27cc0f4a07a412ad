import { openSqliteStore } from '../../adapters/sqlite/index.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('sqlite', () => openSqliteStore({ file: ':memory:' }));

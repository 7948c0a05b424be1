import { FakeAriServer } from './fake-ari-server';
// @ts-expect-error untyped
import ari from 'ari-client';

const fake = new FakeAriServer();
await fake.start();
console.log('url', fake.url);
const client = await ari.connect(fake.url, 'crm', 'secret');
console.log('connected api', Object.keys(client).filter((k) => !k.startsWith('_')));
client.on('*', (event: { type: string }) => console.log('EVENT', event.type));
await client.start('crm');
console.log('ws started');
const id = fake.startInboundCall({ from: '+441', to: '100' });
await new Promise((r) => setTimeout(r, 100));
try { const r = await client.channels.answer({ channelId: id }); console.log('answer ok', r); } catch (e) { console.log('answer err', e); }
try { const r = await client.channels.list(); console.log('list ok', r.map((c: {id: string, state: string}) => [c.id, c.state])); } catch (e) { console.log('list err', e); }
try { const r = await client.channels.get({ channelId: 'nope' }); console.log('get ok', r); } catch (e) { console.log('get err', typeof e, e instanceof Error ? e.message : e); }
try { const r = await client.channels.hangup({ }); console.log('hangup ok', r); } catch (e) { console.log('hangup err', typeof e, e); }
try { const r = await client.bridges.create({ type: 'mixing', bridgeId: 'b1' }); console.log('bridge ok', r.id); } catch (e) { console.log('bridge err', e); }
try { const r = await client.bridges.record({ bridgeId: 'b1', name: 'r1', format: 'wav' }); console.log('record ok', r.name); } catch (e) { console.log('rec err', e); }
try { const r = await client.bridges.destroy({ bridgeId: 'b1' }); console.log('destroy ok', r); } catch (e) { console.log('destroy err', e); }
await new Promise((r) => setTimeout(r, 100));
fake.sendUnknownEvent();
await new Promise((r) => setTimeout(r, 300));
console.log('done');
client.stop();
await fake.stop();

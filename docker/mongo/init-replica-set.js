// One-shot (compose service mongo-init): turns the mongo service into a replica set of one member,
// then waits until it is primary. Idempotent: a replica set that exists is left as it is.
// Replica set, even with one member: change streams and multi-document transactions need one, and
// growing to three members later is rs.add(), not a migration.
const host = process.env.MONGO_RS_HOST || "mongo:27017";
const name = process.env.MONGO_RS_NAME || "rs0";
try {
  const status = rs.status();
  print(`Replica set ${status.set} already initiated`);
} catch (e) {
  if (e.codeName !== "NotYetInitialized") {
    throw e;
  }
  rs.initiate({ _id: name, members: [{ _id: 0, host: host }] });
  print(`Replica set ${name} initiated with ${host}`);
}
for (let i = 0; i < 120 && !db.hello().isWritablePrimary; i++) {
  sleep(500);
}
if (!db.hello().isWritablePrimary) {
  throw new Error("No primary after 60 s");
}
print("Primary ready");

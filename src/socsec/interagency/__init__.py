"""Documents exchanged with other SocSec agencies: signed, delivered over HTTP from an outbox with retries,
checked and applied once by document id, acknowledged with a signed answer."""

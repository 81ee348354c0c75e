//! The clients file (`OAUTH1_DEMO_CLIENTS`): a JSON array of
//! `{"client_id", "client_secret", "name", "redirect_uri": str|null, "rsa_public_key": PEM|null}`.

use std::path::Path;

use oauth1::signature::{RsaPublicKey, Secret};
use oauth1::store::Client;
use oauth1_memory::MemoryStore;
use oauth1_sqlx::ClientRegistration;
use serde::Deserialize;

/// A clients file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientsError(String);

impl ClientsError {
    pub(crate) fn new(message: String) -> Self {
        ClientsError(message)
    }
}

impl std::fmt::Display for ClientsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid clients: {}", self.0)
    }
}

impl std::error::Error for ClientsError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientRecord {
    client_id: String,
    client_secret: Option<String>,
    name: Option<String>,
    redirect_uri: Option<String>,
    rsa_public_key: Option<String>,
}

/// The clients of a JSON array in the clients-file format, each RSA key parsed once, here.
/// A null or empty `client_secret` means the client has no shared secret and signs with RSA
/// only; a client with neither a secret nor a key is refused, and so is the whole file.
pub fn parse_clients(json: &str) -> Result<Vec<Client>, ClientsError> {
    let records: Vec<ClientRecord> = serde_json::from_str(json).map_err(|e| ClientsError(e.to_string()))?;
    records.into_iter().map(client).collect()
}

fn client(r: ClientRecord) -> Result<Client, ClientsError> {
    let mut c = Client::new(r.client_id, Secret::new(r.client_secret.unwrap_or_default()))
        .with_name(r.name.unwrap_or_default());
    if let Some(cb) = r.redirect_uri {
        c = c.with_callback(cb);
    }
    if let Some(pem) = r.rsa_public_key {
        let key = RsaPublicKey::from_pem(&pem).map_err(|e| ClientsError(format!("client {}: {e}", c.consumer_key)))?;
        c = c.with_rsa_public_key(key);
    }
    // A null or empty secret means none: such a client signs with RSA only, so it needs a key
    // (without one it could never authenticate, or worse, with an empty HMAC key).
    if c.shared_secret().is_none() && c.rsa_public_keys.is_empty() {
        return Err(ClientsError(format!("client {}: neither a client_secret nor an rsa_public_key", c.consumer_key)));
    }
    Ok(c)
}

/// The clients of a clients file as [`ClientRegistration`]s for a SQL store (PEM kept as
/// text): the same file, refused for the same reasons as by [`parse_clients`].
pub fn parse_registrations(json: &str) -> Result<Vec<ClientRegistration>, ClientsError> {
    parse_clients(json)?;
    let records: Vec<ClientRecord> = serde_json::from_str(json).map_err(|e| ClientsError(e.to_string()))?;
    Ok(records
        .into_iter()
        .map(|r| {
            let mut reg = ClientRegistration::new(r.client_id, Secret::new(r.client_secret.unwrap_or_default()))
                .with_name(r.name.unwrap_or_default());
            if let Some(cb) = r.redirect_uri {
                reg = reg.with_callback(cb);
            }
            if let Some(pem) = r.rsa_public_key {
                reg = reg.with_rsa_public_key(pem);
            }
            reg
        })
        .collect())
}

/// Registers the clients of `json` ([`parse_clients`]) in `store`: all of them, or none when
/// the file is refused. How many there were.
pub fn load_clients(store: &MemoryStore, json: &str) -> Result<usize, ClientsError> {
    let clients = parse_clients(json)?;
    let n = clients.len();
    for c in clients {
        store.insert_client(c);
    }
    Ok(n)
}

/// [`load_clients`] from the file at `path`.
pub fn load_clients_file(store: &MemoryStore, path: &Path) -> Result<usize, ClientsError> {
    let json = std::fs::read_to_string(path).map_err(|e| ClientsError(format!("{}: {e}", path.display())))?;
    load_clients(store, &json)
}

#[cfg(test)]
mod tests {
    use oauth1::store::ClientStore;

    use super::*;

    #[tokio::test]
    async fn clients_from_json() {
        let store = MemoryStore::new();
        let n = load_clients(
            &store,
            r#"[{"client_id": "a", "client_secret": "s", "name": "A", "redirect_uri": "http://a/cb", "rsa_public_key": null},
                {"client_id": "b", "client_secret": "t", "name": "B", "redirect_uri": null, "rsa_public_key": null}]"#,
        )
        .unwrap();
        assert_eq!(n, 2);
        assert!(load_clients(&store, r#"[{"client_id": "c", "rsa_public_key": "junk"}]"#).is_err());
        // No secret and no key: refused (it could only be impersonated with an empty HMAC key).
        for secret in ["null", "\"\""] {
            let json = format!(r#"[{{"client_id": "d", "client_secret": {secret}, "rsa_public_key": null}}]"#);
            let err = load_clients(&store, &json).unwrap_err();
            assert!(err.to_string().contains("neither"), "{err}");
        }
        assert!(store.client("d").await.unwrap().is_none());
        assert!(store.client("a").await.unwrap().unwrap().shared_secret().is_some());
        assert!(load_clients(&store, r#"{"not": "an array"}"#).is_err());
    }

    /// A file with one bad client registers none of them.
    #[tokio::test]
    async fn a_refused_file_registers_nothing() {
        let store = MemoryStore::new();
        let json = r#"[{"client_id": "ok", "client_secret": "s"}, {"client_id": "bad", "client_secret": null}]"#;
        assert!(load_clients(&store, json).is_err());
        assert!(store.client("ok").await.unwrap().is_none());
        let missing = load_clients_file(&store, Path::new("/nonexistent/clients.json")).unwrap_err();
        assert!(missing.to_string().contains("/nonexistent/clients.json"), "{missing}");
    }

    /// The RFC's test key (1024 bits), as SubjectPublicKeyInfo PEM.
    const PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----\nMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC0YjCwIfYoprq/FQO6lb3asXrx\nLlJFuCvtinTF5p0GxvQGu5O3gYytUvtC2JlYzypSRjVxwxrsuRcP3e641SdASwfr\nmzyvIgP08N4S0IFzEURkV1wp/IpH7kH41EtbmUmrXSwfNZsnQRE5SYSOhh+LcK2w\nyQkdgcMv11l4KoBkcwIDAQAB\n-----END PUBLIC KEY-----\n";

    /// The same file as registrations for a SQL store: the same clients, the same refusals.
    #[test]
    fn registrations_from_json() {
        let json = serde_json::json!([
            {"client_id": "a", "client_secret": "s", "name": "A", "redirect_uri": "http://a/cb", "rsa_public_key": null},
            {"client_id": "rsa", "client_secret": null, "rsa_public_key": PUBLIC_KEY}
        ])
        .to_string();
        let regs = parse_registrations(&json).unwrap();
        assert_eq!(regs.len(), 2);
        assert_eq!((regs[0].name.as_str(), regs[0].callbacks.as_slice()), ("A", &["http://a/cb".to_owned()][..]));
        assert!(regs[1].secret.is_none() && regs[1].rsa_public_keys.len() == 1);
        assert!(parse_registrations(r#"[{"client_id": "d", "client_secret": null}]"#).is_err());
    }

    /// A client without a secret and with a key is an RSA-only client, its key parsed on load.
    #[test]
    fn an_rsa_only_client_has_its_key_and_no_secret() {
        let json = serde_json::json!([
            {"client_id": "rsa", "client_secret": "", "name": "RSA", "redirect_uri": null, "rsa_public_key": PUBLIC_KEY}
        ])
        .to_string();
        let clients = parse_clients(&json).unwrap();
        let [client] = clients.as_slice() else { panic!("one client") };
        assert!(client.shared_secret().is_none());
        assert_eq!(client.rsa_public_keys.len(), 1);
        assert!(client.callbacks.is_empty());
    }
}

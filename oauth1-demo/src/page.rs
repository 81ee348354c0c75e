//! What a demo answers: the consent page and the photos JSON.

use oauth1::encoding::FormPair;
use oauth1::server::PendingAuthorization;

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The consent page for a pending request; everything shown is escaped. It carries the
/// anti-forgery form value in a hidden field; serve it with the anti-forgery cookie and
/// [`oauth1::consent::page_headers`].
pub fn consent_page(pending: &PendingAuthorization) -> String {
    let name = if pending.client.name.is_empty() { &pending.client.consumer_key } else { &pending.client.name };
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Authorize {name}</title></head><body>\n\
         <h1>Authorize {name}</h1>\n<p>{name} asks for access to your photos. Afterwards you return to {callback}.</p>\n\
         <form method=\"post\" action=\"/authorize\">\n\
         <input type=\"hidden\" name=\"oauth_token\" value=\"{token}\">\n\
         <input type=\"hidden\" name=\"{field}\" value=\"{anti_forgery}\">\n\
         <label>Your name <input name=\"user\"></label>\n\
         <button name=\"decision\" value=\"allow\">Allow</button>\n\
         <button name=\"decision\" value=\"deny\">Deny</button>\n</form>\n</body></html>\n",
        name = escape_html(name),
        callback = escape_html(if pending.callback == "oob" {
            "the application (it will ask for a code)"
        } else {
            &pending.callback
        }),
        token = escape_html(&pending.token),
        field = oauth1::consent::FORM_FIELD,
        anti_forgery = escape_html(pending.anti_forgery.form_value()),
    )
}

/// The photos JSON: `{"user", "client_id", "file", "size"}`.
pub fn photos_json(user: Option<&str>, client_id: Option<&str>, file: Option<&str>, size: Option<&str>) -> String {
    serde_json::json!({ "user": user, "client_id": client_id, "file": file, "size": size }).to_string()
}

/// The first value of `name` among decoded form pairs.
pub fn first<'a>(pairs: &'a [FormPair<'_>], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_ref())
}

#[cfg(test)]
mod tests {
    use oauth1::store::Client;

    use super::*;

    #[test]
    fn consent_page_escapes_what_it_shows() {
        let pending = PendingAuthorization::new(
            "t\"><script>",
            Client::new("k", "s").with_name("<b>Evil & Co</b>"),
            "http://x/?a=<i>",
            None,
        );
        let page = consent_page(&pending);
        assert!(page.contains("&lt;b&gt;Evil &amp; Co&lt;/b&gt;"));
        assert!(page.contains("value=\"t&quot;&gt;&lt;script&gt;\""));
        assert!(!page.contains("<script>") && !page.contains("<i>"));
    }

    #[test]
    fn photos_json_has_nulls() {
        assert_eq!(
            photos_json(None, None, Some("a"), None),
            r#"{"client_id":null,"file":"a","size":null,"user":null}"#
        );
    }
}

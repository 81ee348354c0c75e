<?php
// PHP's pecl `OAuth` extension (Debian `php-oauth`, the class `OAuth` that Magento-style
// integrations use) against a running demo provider.
//
// Usage: php interop.php BASE_URL CLIENTS_JSON RSA_PRIVATE_PEM
//
// The clients file holds (by client_id): "hmac-client" (secret), "rsa-client" (the public key
// of RSA_PRIVATE_PEM) and "query-callback-client" (a registered callback with its own query).
// Prints "PASS name" / "FAIL name: why" per check; exits 1 when any check failed.
//
// The extension is driven as its documentation shows: `new OAuth($key, $secret, $method,
// $auth_type)`, `getRequestToken`, `setToken`, `getAccessToken($url, '', $verifier)`, `fetch`
// (the documentation passes null as the session handle; since PHP 8.1 that is a deprecation
// notice for a string parameter, and '' means the same to the extension: no session handle).
// The consent step is the resource owner's browser, done with plain HTTP (PHP streams): it views
// the consent page (which sets the anti-forgery cookie and carries the hidden field) and allows.
//
// What the extension can and cannot do, as the checks below use it:
// * Auth types AUTHORIZATION (header), URI (query) and FORM (body). With FORM the extension
//   refuses to sign anything but POST ("auth type is set to HTTP POST with a non-POST http
//   method") for getRequestToken/getAccessToken/getRequestHeader, and `fetch` with GET would put
//   the protocol parameters in the body of a GET: with FORM only POST requests are checked.
// * A repeated key is passed as an array value (`'tag' => ['a', 'b']`): the extension sends and
//   signs it as `tag=a&tag=b`.
// * The constructor refuses an empty consumer secret ("The consumer secret cannot be empty"),
//   but RSA-SHA1 signing never uses it: rsa-client (registered without a secret) is given a
//   placeholder.
// * `fetch` throws OAuthException for a status outside 200..209, with the status as its code.
// * Replay: the extension sends the same signed request twice itself when the nonce and the
//   timestamp are fixed (`setNonce`, `setTimestamp`); the check also compares what was sent.
// * Tampering: the extension signs without sending with `getRequestHeader($method, $url,
//   $params)`; the script moves those protocol parameters into the header, the query or the
//   body (as the auth type would) and sends the request itself. Each tampered request has an
//   untampered control built the same way, which must succeed.
// * PLAINTEXT signs nothing of the request (RFC 5849 §3.4.4): tampering is not checked for it.
// * The Debian build has only the PHP streams request engine (no OAUTH_REQENGINE_CURL).
declare(strict_types=1);
error_reporting(E_ALL);

[, $BASE, $CLIENTS, $RSA_PEM] = $argv + [null, null, null, null];
if ($RSA_PEM === null) {
    fwrite(STDERR, "usage: php interop.php BASE_URL CLIENTS_JSON RSA_PRIVATE_PEM\n");
    exit(2);
}
if (!extension_loaded('oauth')) {
    echo "FAIL extension: the PHP oauth extension is not loaded (Debian: php-oauth)\n";
    exit(1);
}
$clients = [];
foreach (json_decode(file_get_contents($CLIENTS), true) as $c) {
    $clients[$c['client_id']] = $c;
}
$rsaKey = file_get_contents($RSA_PEM);
$failed = 0;

// Non-ASCII, reserved characters, a space, an empty value and a repeated key.
const FILE_VALUE = "vacation ü+%&=~*!'()";
const AWKWARD = ['file' => FILE_VALUE, 'size' => '', 'tag' => ['a', 'b']];

function check(string $name, bool $ok, string $why = ''): void
{
    global $failed;
    if ($ok) {
        echo "PASS $name\n";
    } else {
        $failed++;
        echo "FAIL $name: " . str_replace("\n", ' | ', $why) . "\n";
    }
}

/** A form-encoded string from [name => value|[values]] (RFC 3986, as the extension does). */
function form(array $params): string
{
    $pairs = [];
    foreach ($params as $k => $v) {
        foreach ((array) $v as $one) {
            $pairs[] = rawurlencode((string) $k) . '=' . rawurlencode((string) $one);
        }
    }
    return implode('&', $pairs);
}

/** Plain HTTP (PHP streams, no redirects): [status, headers (lower-case name => [values]), body]. */
function http(string $method, string $url, array $headers = [], string $body = ''): array
{
    $lines = [];
    foreach ($headers as $k => $v) {
        $lines[] = "$k: $v";
    }
    $ctx = stream_context_create(['http' => [
        'method' => $method,
        'header' => implode("\r\n", $lines),
        'content' => $body,
        'ignore_errors' => true,
        'follow_location' => 0,
        'protocol_version' => 1.1,
        'timeout' => 30,
    ]]);
    $text = @file_get_contents($url, false, $ctx);
    if ($text === false || !isset($http_response_header)) {
        throw new RuntimeException("$method $url: no response");
    }
    $status = 0;
    $out = [];
    foreach ($http_response_header as $line) {
        if (preg_match('#^HTTP/\S+ (\d{3})#', $line, $m)) {
            $status = (int) $m[1];
            $out = [];
        } elseif (strpos($line, ':') !== false) {
            [$k, $v] = explode(':', $line, 2);
            $out[strtolower(trim($k))][] = trim($v);
        }
    }
    return [$status, $out, $text];
}

/** The resource owner's browser: views the consent page (which sets the anti-forgery cookie and
 * carries the hidden anti-forgery field), then allows. Returns the verifier. */
function authorize(string $token, string $callback): string
{
    global $BASE;
    [$status, $headers, $page] = http('GET', "$BASE/authorize?" . form(['oauth_token' => $token]));
    if ($status !== 200) {
        throw new RuntimeException("consent page: $status $page");
    }
    $cookies = [];
    foreach ($headers['set-cookie'] ?? [] as $c) {
        $cookies[] = explode(';', $c, 2)[0];
    }
    if (!preg_match('/name="oauth1_consent" value="([^"]*)"/', $page, $m)) {
        throw new RuntimeException("no oauth1_consent field on the consent page: $page");
    }
    $hidden = html_entity_decode($m[1], ENT_QUOTES | ENT_HTML5);
    [$status, $headers, $body] = http('POST', "$BASE/authorize", [
        'Content-Type' => 'application/x-www-form-urlencoded',
        'Cookie' => implode('; ', $cookies),
    ], form(['oauth_token' => $token, 'user' => 'alice', 'decision' => 'allow', 'oauth1_consent' => $hidden]));
    if ($callback === 'oob') {
        if ($status !== 200) {
            throw new RuntimeException("oob decision: $status $body");
        }
        parse_str($body, $got);
        return $got['oauth_verifier'];
    }
    $location = $headers['location'][0] ?? '';
    if ($status !== 302) {
        throw new RuntimeException("decision: $status $location $body");
    }
    // The callback with oauth_token and oauth_verifier added: same scheme, host and path, and
    // its own query parameters kept.
    $got = parse_url($location);
    $want = parse_url($callback);
    foreach (['scheme', 'host', 'path'] as $part) {
        if (($got[$part] ?? null) !== ($want[$part] ?? null)) {
            throw new RuntimeException("redirect $location is not to the callback $callback");
        }
    }
    parse_str($got['query'] ?? '', $params);
    parse_str($want['query'] ?? '', $own);
    if (($params['oauth_token'] ?? null) !== $token || !isset($params['oauth_verifier'])) {
        throw new RuntimeException("redirect $location lacks oauth_token or oauth_verifier");
    }
    $verifier = $params['oauth_verifier'];
    unset($params['oauth_token'], $params['oauth_verifier']);
    if ($params != $own) {
        throw new RuntimeException("redirect $location does not keep the callback's own query ($callback)");
    }
    return $verifier;
}

/** A library call that fetches: [status, body]; a non-2xx status comes as an OAuthException. */
function outcome(OAuth $o, callable $call): array
{
    try {
        $call();
        $info = $o->getLastResponseInfo();
        return [(int) ($info['http_code'] ?? 0), (string) $o->getLastResponse()];
    } catch (OAuthException $e) {
        return [(int) $e->getCode(), (string) ($e->lastResponse ?? $e->getMessage())];
    }
}

/** What the extension last sent: the URL, its headers and its body (debug mode). */
function last_sent(OAuth $o): string
{
    $info = $o->getLastResponseInfo();
    $debug = $o->debugInfo ?? [];
    return ($info['url'] ?? '?') . "\n" . ($debug['headers_sent'] ?? '') . "\n" . ($debug['body_sent'] ?? '');
}

/** Signs $signed without sending (getRequestHeader), then sends $method $url with $sent as the
 * query (GET) or the form body (POST), the protocol parameters where $authType puts them. */
function send_signed(OAuth $o, int $authType, string $method, string $url, array $signed, array $sent): array
{
    $header = $o->getRequestHeader($method, $url, $signed);
    if (!is_string($header) || strpos($header, 'OAuth ') !== 0) {
        throw new RuntimeException('getRequestHeader gave ' . var_export($header, true));
    }
    // `OAuth name="value",...` with names and values already percent-encoded by the extension.
    preg_match_all('/([^\s,=]+)="([^"]*)"/', substr($header, 6), $m, PREG_SET_ORDER);
    $protocol = implode('&', array_map(fn ($p) => "$p[1]=$p[2]", $m));
    $data = form($sent);
    $headers = [];
    if ($method === 'POST') {
        $headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    $query = $method === 'GET' ? $data : '';
    $body = $method === 'GET' ? '' : $data;
    switch ($authType) {
        case OAUTH_AUTH_TYPE_AUTHORIZATION:
            $headers['Authorization'] = $header;
            break;
        case OAUTH_AUTH_TYPE_URI:
            $query = $query === '' ? $protocol : "$query&$protocol";
            break;
        case OAUTH_AUTH_TYPE_FORM:
            $body = $body === '' ? $protocol : "$body&$protocol";
            break;
    }
    [$status, , $text] = http($method, $query === '' ? $url : "$url?$query", $headers, $body);
    return [$status, $text];
}

/** A 200 from /photos naming alice and echoing the parameters (the demo answers with `file` and `size`). */
function photo_ok(int $status, string $body, array $params): bool
{
    $json = $status === 200 ? json_decode($body, true) : null;
    return is_array($json) && ($json['user'] ?? null) === 'alice'
        && ($json['file'] ?? null) === $params['file'] && ($json['size'] ?? null) === $params['size'];
}

/** One client: `new OAuth(...)`, with the RSA key when it signs with RSA-SHA1. */
function client(string $clientId, string $secret, string $method, int $authType): OAuth
{
    global $rsaKey;
    $o = new OAuth($clientId, $secret, $method, $authType);
    if ($method === OAUTH_SIG_METHOD_RSASHA1) {
        $o->setRSACertificate($rsaKey);
    }
    $o->enableDebug();
    return $o;
}

function flow(string $name, string $clientId, string $secret, string $method, int $authType, string $callback): void
{
    global $BASE;
    $integrity = $method !== OAUTH_SIG_METHOD_PLAINTEXT;

    // Temporary credentials ('' is the extension's way of asking for oob), consent, token.
    $o = client($clientId, $secret, $method, $authType);
    $temp = $o->getRequestToken("$BASE/initiate", $callback === 'oob' ? '' : $callback, OAUTH_HTTP_METHOD_POST);
    check("$name initiate", is_array($temp) && ($temp['oauth_callback_confirmed'] ?? null) === 'true', var_export($temp, true));
    $verifier = authorize($temp['oauth_token'], $callback);
    check("$name authorize", $verifier !== '', 'empty verifier');
    $o->setToken($temp['oauth_token'], $temp['oauth_token_secret']);
    $access = $o->getAccessToken("$BASE/token", '', $verifier, OAUTH_HTTP_METHOD_POST);
    check("$name token", is_array($access) && isset($access['oauth_token'], $access['oauth_token_secret']), var_export($access, true));

    $session = function () use ($clientId, $secret, $method, $authType, $access): OAuth {
        $o = client($clientId, $secret, $method, $authType);
        $o->setToken($access['oauth_token'], $access['oauth_token_secret']);
        return $o;
    };
    $o = $session();
    $url = "$BASE/photos";

    if ($authType !== OAUTH_AUTH_TYPE_FORM) {
        [$status, $body] = outcome($o, fn () => $o->fetch($url, AWKWARD, OAUTH_HTTP_METHOD_GET));
        check("$name protected GET", photo_ok($status, $body, AWKWARD), "$status $body\n" . last_sent($o));
        // The parameters already in the URL given to fetch (the extension signs the URL's query),
        // written the usual PHP way, with http_build_query: a space as '+', '~' as %7E.
        $one = ['file' => FILE_VALUE, 'size' => ''];
        [$status, $body] = outcome($o, fn () => $o->fetch("$url?" . http_build_query($one), null, OAUTH_HTTP_METHOD_GET));
        check("$name protected GET, query in the URL", photo_ok($status, $body, $one), "$status $body\n" . last_sent($o));

        // The same signed GET sent twice by the extension (nonce and timestamp fixed).
        $r = $session();
        $r->setNonce(bin2hex(random_bytes(16)));
        $r->setTimestamp((string) time());
        [$first] = outcome($r, fn () => $r->fetch($url, AWKWARD, OAUTH_HTTP_METHOD_GET));
        $sent = last_sent($r);
        [$again, $body] = outcome($r, fn () => $r->fetch($url, AWKWARD, OAUTH_HTTP_METHOD_GET));
        check("$name replay refused (GET)", $first === 200 && $again === 401 && last_sent($r) === $sent, "$first $again $body\n$sent");

        if ($integrity) {
            $tampered = ['tag' => ['a', 'c']] + AWKWARD;
            [$control, $cbody] = send_signed($o, $authType, 'GET', $url, AWKWARD, AWKWARD);
            [$status, $body] = send_signed($o, $authType, 'GET', $url, AWKWARD, $tampered);
            check("$name tampered parameter refused", $control === 200 && $status === 401, "control $control $cbody; tampered $status $body");
            [$status, $body] = send_signed_as($o, $authType, $url);
            check("$name tampered method refused", $status === 401, "$status $body");
        }
    }

    [$status, $body] = outcome($o, fn () => $o->fetch($url, AWKWARD, OAUTH_HTTP_METHOD_POST));
    check("$name protected POST form", photo_ok($status, $body, AWKWARD), "$status $body\n" . last_sent($o));

    $r = $session();
    $r->setNonce(bin2hex(random_bytes(16)));
    $r->setTimestamp((string) time());
    $data = ['file' => 'a b.jpg', 'size' => 'small'];
    [$first] = outcome($r, fn () => $r->fetch($url, $data, OAUTH_HTTP_METHOD_POST));
    $sent = last_sent($r);
    [$again, $body] = outcome($r, fn () => $r->fetch($url, $data, OAUTH_HTTP_METHOD_POST));
    check("$name replay refused (POST)", $first === 200 && $again === 401 && last_sent($r) === $sent, "$first $again $body\n$sent");

    if ($integrity) {
        [$control, $cbody] = send_signed($o, $authType, 'POST', $url, $data, $data);
        [$status, $body] = send_signed($o, $authType, 'POST', $url, $data, ['size' => 'large'] + $data);
        check("$name tampered body refused", $control === 200 && $status === 401, "control $control $cbody; tampered $status $body");
    }
}

/** A GET signed with the awkward parameters, sent as a POST with them in the query. */
function send_signed_as(OAuth $o, int $authType, string $url): array
{
    $header = $o->getRequestHeader('GET', $url, AWKWARD);
    preg_match_all('/([^\s,=]+)="([^"]*)"/', substr((string) $header, 6), $m, PREG_SET_ORDER);
    $query = form(AWKWARD);
    $headers = ['Content-Type' => 'application/x-www-form-urlencoded'];
    if ($authType === OAUTH_AUTH_TYPE_AUTHORIZATION) {
        $headers['Authorization'] = $header;
    } else {
        $query .= '&' . implode('&', array_map(fn ($p) => "$p[1]=$p[2]", $m));
    }
    [$status, , $text] = http('POST', "$url?$query", $headers, '');
    return [$status, $text];
}

function run(string $name, callable $fn, ...$args): void
{
    try {
        $fn($name, ...$args);
    } catch (Throwable $e) {
        $extra = $e instanceof OAuthException ? ' lastResponse=' . var_export($e->lastResponse ?? null, true) : '';
        check($name, false, get_class($e) . ': ' . $e->getMessage() . $extra . ' at ' . $e->getFile() . ':' . $e->getLine());
    }
}

$hmac = $clients['hmac-client']['client_secret'];
$queryCb = $clients['query-callback-client'];
$cb = 'http://client.test/cb';
$transports = ['header' => OAUTH_AUTH_TYPE_AUTHORIZATION, 'query' => OAUTH_AUTH_TYPE_URI, 'body' => OAUTH_AUTH_TYPE_FORM];

foreach ($transports as $t => $authType) {
    run("php-oauth HMAC-SHA1 $t", 'flow', 'hmac-client', $hmac, OAUTH_SIG_METHOD_HMACSHA1, $authType, $cb);
}
run('php-oauth HMAC-SHA256 header', 'flow', 'hmac-client', $hmac, OAUTH_SIG_METHOD_HMACSHA256, OAUTH_AUTH_TYPE_AUTHORIZATION, $cb);
// rsa-client has no shared secret; the extension insists on a non-empty one, which RSA-SHA1 never uses.
foreach ($transports as $t => $authType) {
    run("php-oauth RSA-SHA1 $t", 'flow', 'rsa-client', 'unused-by-rsa', OAUTH_SIG_METHOD_RSASHA1, $authType, $cb);
}
run('php-oauth PLAINTEXT header', 'flow', 'hmac-client', $hmac, OAUTH_SIG_METHOD_PLAINTEXT, OAUTH_AUTH_TYPE_AUTHORIZATION, $cb);
run('php-oauth PLAINTEXT body', 'flow', 'hmac-client', $hmac, OAUTH_SIG_METHOD_PLAINTEXT, OAUTH_AUTH_TYPE_FORM, $cb);
run('php-oauth oob', 'flow', 'hmac-client', $hmac, OAUTH_SIG_METHOD_HMACSHA1, OAUTH_AUTH_TYPE_AUTHORIZATION, 'oob');
foreach ($transports as $t => $authType) {
    run("php-oauth callback with query $t", 'flow', 'query-callback-client', $queryCb['client_secret'], OAUTH_SIG_METHOD_HMACSHA1, $authType, $queryCb['redirect_uri']);
}

exit($failed ? 1 : 0);

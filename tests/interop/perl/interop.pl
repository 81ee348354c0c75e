#!/usr/bin/perl
# Perl's Net::OAuth (Debian libnet-oauth-perl) with LWP against a running demo provider.
#
# Usage: perl interop.pl BASE_URL CLIENTS_JSON RSA_PRIVATE_PEM
#
# The clients file holds (by client_id): "hmac-client" (secret), "rsa-client" (the public key
# of RSA_PRIVATE_PEM) and "query-callback-client" (a registered callback with its own query).
# Prints "PASS name" / "FAIL name: why" per check; exits 1 when any check failed.
#
# Net::OAuth is driven as its POD documents: protocol 1.0a
# ($Net::OAuth::PROTOCOL_VERSION = Net::OAuth::PROTOCOL_VERSION_1_0A),
# Net::OAuth->request("request token" | "access token" | "protected resource")->new(...),
# ->sign (->sign($rsa_key) for RSA-SHA1, with a Crypt::OpenSSL::RSA private key), then one of the
# serializations ->to_authorization_header, ->to_url, ->to_post_body, sent with LWP; responses are
# read with Net::OAuth->response(...)->from_post_body. Net::OAuth is a message library: it signs
# and serializes, the script sends (and so can send the same signed message twice, or a tampered
# copy of it). The consent step is the resource owner's browser (LWP with a cookie jar): it views
# the consent page (which sets the anti-forgery cookie and carries the hidden field) and allows.
#
# What Net::OAuth can and cannot do, as the checks below use it:
# * Transports: header (to_authorization_header, the request's own parameters in its query or
#   form body), query (to_url: every parameter in the URL; used for GET, and for the POSTs to
#   /initiate and /token, which have no body of their own) and body (to_post_body: used for POST).
#   A protected POST form with the protocol parameters in the query is not something Net::OAuth
#   serializes (to_url puts the form's parameters in the URL too), so the query transport checks
#   GET only and the body transport POST only.
# * Repeated keys are not supported: extra_params is a hash (the POD's TODO lists "Support for
#   repeating/multivalued parameters"; a repeated key in request_url is read with
#   URI::QueryParam in scalar context, i.e. only its first value is signed). The awkward
#   parameters therefore have no repeated key here.
# * Parameters may also be given in request_url's query, but only ASCII ones: Net::OAuth takes
#   that query's values as octets and UTF-8-encodes them again (it warns "appears to contain
#   some multi-byte characters"), so a non-ASCII value there is signed wrongly. The check with
#   the query in request_url is ASCII (with '+' for a space and unescaped sub-delimiters).
# * Non-ASCII values must be Perl character strings (`use utf8`): Net::OAuth encodes them as
#   UTF-8 (see its I18N section).
# * RSA-SHA1 works with Crypt::OpenSSL::RSA (libcrypt-openssl-rsa-perl), which reads the PKCS#8
#   private key; its hash is set to SHA-1 explicitly. rsa-client has no shared secret: Net::OAuth
#   requires the consumer_secret API parameter to be defined, so it gets '' (unused by RSA).
# * PLAINTEXT signs nothing of the request (RFC 5849 §3.4.4): tampering is not checked for it.
use strict;
use warnings;
use utf8;

use Crypt::OpenSSL::RSA;
use HTTP::Cookies;
use HTTP::Request;
use JSON;
use LWP::UserAgent;
use Net::OAuth;
use URI;
use URI::Escape qw(uri_escape_utf8);

$Net::OAuth::PROTOCOL_VERSION = Net::OAuth::PROTOCOL_VERSION_1_0A;
binmode STDOUT, ':encoding(UTF-8)';
$| = 1;

my ($BASE, $CLIENTS, $RSA_PEM) = @ARGV;
die "usage: perl interop.pl BASE_URL CLIENTS_JSON RSA_PRIVATE_PEM\n" unless defined $RSA_PEM;
my %clients = map { $_->{client_id} => $_ } @{ decode_json(slurp($CLIENTS)) };
my $rsa = Crypt::OpenSSL::RSA->new_private_key(slurp($RSA_PEM));
$rsa->use_sha1_hash;
my $failed = 0;
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30, agent => "interop-net-oauth/$Net::OAuth::VERSION");

# Non-ASCII, reserved characters, a space and an empty value (no repeated key: see above).
my $FILE = "vacation ü+%&=~*!'()";
my @AWKWARD = (file => $FILE, size => '', tag => 'a');

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "$path: $!";
    local $/;
    return scalar <$fh>;
}

sub check {
    my ($name, $ok, $why) = @_;
    if ($ok) {
        print "PASS $name\n";
    } else {
        $failed++;
        $why = '' unless defined $why;
        $why =~ s/\n/ | /g;
        print "FAIL $name: $why\n";
    }
}

# RFC 3986 form encoding of name/value pairs, as Net::OAuth encodes.
sub form {
    my @pairs = @_;
    my @out;
    while (my ($k, $v) = splice @pairs, 0, 2) {
        push @out, uri_escape_utf8($k, '^A-Za-z0-9\-._~') . '=' . uri_escape_utf8($v, '^A-Za-z0-9\-._~');
    }
    return join '&', @out;
}

sub nonce { join '', map { sprintf '%02x', int rand 256 } 1 .. 16 }

# A signed Net::OAuth request message.
sub message {
    my ($kind, $c, %params) = @_;
    my $req = Net::OAuth->request($kind)->new(
        consumer_key => $c->{id},
        consumer_secret => $c->{secret},
        signature_method => $c->{method},
        timestamp => time,
        nonce => nonce(),
        %params,
    );
    if ($c->{method} eq 'RSA-SHA1') {
        $req->sign($rsa);
    } else {
        $req->sign;
    }
    return $req;
}

# The HTTP request carrying $req in $transport; $data (name/value pairs) are the request's own
# parameters (signed as extra_params): in the query of a GET or the form body of a POST.
# $method is the method sent (a tampered copy may differ from the signed one).
sub http_request {
    my ($req, $transport, $method, $url, @data) = @_;
    my ($uri, $body, @headers) = ($url, '');
    if ($transport eq 'header') {
        push @headers, Authorization => $req->to_authorization_header;
        if (@data && $method eq 'GET') {
            $uri = "$url?" . form(@data);
        } else {
            $body = form(@data);
        }
    } elsif ($transport eq 'query') {
        $uri = $req->to_url;
    } else {
        $body = $req->to_post_body;
    }
    push @headers, 'Content-Type' => 'application/x-www-form-urlencoded' if $method ne 'GET';
    return HTTP::Request->new($method, $uri, \@headers, $body);
}

# The resource owner's browser: views the consent page (which sets the anti-forgery cookie and
# carries the hidden anti-forgery field), then allows. Returns the verifier.
sub authorize {
    my ($token, $callback) = @_;
    my $browser = LWP::UserAgent->new(max_redirect => 0, timeout => 30, cookie_jar => HTTP::Cookies->new);
    my $uri = URI->new("$BASE/authorize");
    $uri->query_form(oauth_token => $token);
    my $page = $browser->get($uri);
    die 'consent page: ' . $page->status_line . ' ' . $page->decoded_content . "\n" unless $page->code == 200;
    my ($hidden) = $page->decoded_content =~ /name="oauth1_consent" value="([^"]*)"/
        or die "no oauth1_consent field on the consent page\n";
    my $res = $browser->post("$BASE/authorize",
        [oauth_token => $token, user => 'alice', decision => 'allow', oauth1_consent => $hidden]);
    if ($callback eq 'oob') {
        die 'oob decision: ' . $res->status_line . ' ' . $res->decoded_content . "\n" unless $res->code == 200;
        my %got = URI->new('?' . $res->decoded_content)->query_form;
        return $got{oauth_verifier};
    }
    my $location = $res->header('Location') // '';
    die 'decision: ' . $res->status_line . " $location\n" unless $res->code == 302;
    # The callback with oauth_token and oauth_verifier added: same scheme, host and path, and
    # its own query parameters kept.
    my ($got, $want) = (URI->new($location), URI->new($callback));
    die "redirect $location is not to the callback $callback\n"
        unless $got->scheme eq $want->scheme && $got->host_port eq $want->host_port && $got->path eq $want->path;
    my @params = $got->query_form;
    my (@own, $token_seen, $verifier);
    while (my ($k, $v) = splice @params, 0, 2) {
        if ($k eq 'oauth_token') { $token_seen = $v }
        elsif ($k eq 'oauth_verifier') { $verifier = $v }
        else { push @own, "$k=$v" }
    }
    my @want = $want->query_form;
    my @want_pairs;
    while (my ($k, $v) = splice @want, 0, 2) { push @want_pairs, "$k=$v" }
    die "redirect $location lacks oauth_token or oauth_verifier\n" unless defined $verifier && ($token_seen // '') eq $token;
    die "redirect $location does not keep the callback's own query ($callback)\n" unless "@own" eq "@want_pairs";
    return $verifier;
}

# A 200 from /photos naming alice and echoing the parameters (the demo answers with `file` and `size`).
sub photo_ok {
    my ($res, %params) = @_;
    return 0 unless $res->code == 200;
    my $json = eval { JSON->new->utf8->decode($res->content) } or return 0;
    return ($json->{user} // '') eq 'alice' && ($json->{file} // "\0") eq $params{file} && ($json->{size} // "\0") eq $params{size};
}

sub show { my ($res) = @_; return $res->status_line . ' ' . $res->decoded_content }

sub flow {
    my ($name, $c, $transport, $callback) = @_;
    my $integrity = $c->{method} ne 'PLAINTEXT';

    # Temporary credentials, consent, token (POST, protocol parameters in $transport).
    my $req = message('request token', $c, request_url => "$BASE/initiate", request_method => 'POST', callback => $callback);
    my $res = $ua->request(http_request($req, $transport, 'POST', "$BASE/initiate"));
    die 'initiate: ' . show($res) . "\n" unless $res->code == 200;
    my $temp = Net::OAuth->response('request token')->from_post_body($res->content);
    check("$name initiate", $temp->callback_confirmed eq 'true' && $temp->token ne '', $res->content);
    my $verifier = authorize($temp->token, $callback);
    check("$name authorize", $verifier ne '', 'empty verifier');
    $req = message('access token', $c, request_url => "$BASE/token", request_method => 'POST',
        token => $temp->token, token_secret => $temp->token_secret, verifier => $verifier);
    $res = $ua->request(http_request($req, $transport, 'POST', "$BASE/token"));
    die 'token: ' . show($res) . "\n" unless $res->code == 200;
    my $access = Net::OAuth->response('access token')->from_post_body($res->content);
    check("$name token", $access->token ne '' && defined $access->token_secret, $res->content);

    my $url = "$BASE/photos";
    my $protected = sub {
        my ($method, @data) = @_;
        return message('protected resource', $c, request_url => $url, request_method => $method,
            token => $access->token, token_secret => $access->token_secret, extra_params => {@data});
    };

    if ($transport ne 'body') {
        my $get = http_request($protected->('GET', @AWKWARD), $transport, 'GET', $url, @AWKWARD);
        $res = $ua->request($get);
        check("$name protected GET", photo_ok($res, @AWKWARD), show($res) . "\n" . $get->as_string);
        my $again = $ua->request($get);
        check("$name replay refused (GET)", $again->code == 401, show($again));
        if ($transport eq 'header') {
            # The parameters in request_url instead (the POD's "THE REQUEST_URL PARAMETER"), as
            # URI->query_form writes them: a space as '+', sub-delimiters unescaped. ASCII only:
            # Net::OAuth reads request_url's query as octets and encodes them as UTF-8 again.
            my $uri = URI->new($url);
            my @params = (file => "a b+c~*!'()", size => '');
            $uri->query_form(@params);
            my $req = message('protected resource', $c, request_url => "$uri", request_method => 'GET',
                token => $access->token, token_secret => $access->token_secret);
            my $sent = HTTP::Request->new(GET => $uri, [Authorization => $req->to_authorization_header]);
            $res = $ua->request($sent);
            check("$name protected GET, query in request_url", photo_ok($res, @params), show($res) . "\n" . $sent->as_string);
        }
        if ($integrity) {
            my $tampered = http_request($protected->('GET', @AWKWARD), $transport, 'GET', $url, @AWKWARD);
            my $uri = $tampered->uri->as_string;
            $uri =~ s/tag=a/tag=c/ or die "no tag=a in $uri\n";
            $tampered->uri($uri);
            $res = $ua->request($tampered);
            check("$name tampered parameter refused", $res->code == 401, show($res));
            $tampered = http_request($protected->('GET', @AWKWARD), $transport, 'GET', $url, @AWKWARD);
            $tampered->method('POST');
            $tampered->header('Content-Type' => 'application/x-www-form-urlencoded');
            $res = $ua->request($tampered);
            check("$name tampered method refused", $res->code == 401, show($res));
        }
    }

    if ($transport ne 'query') {
        my $post = http_request($protected->('POST', @AWKWARD), $transport, 'POST', $url, @AWKWARD);
        $res = $ua->request($post);
        check("$name protected POST form", photo_ok($res, @AWKWARD), show($res) . "\n" . $post->as_string);
        my @data = (file => 'a b.jpg', size => 'small');
        $post = http_request($protected->('POST', @data), $transport, 'POST', $url, @data);
        my $first = $ua->request($post);
        my $again = $ua->request($post);
        check("$name replay refused (POST)", $first->code == 200 && $again->code == 401, show($first) . ' / ' . show($again));
        if ($integrity) {
            my $tampered = http_request($protected->('POST', @data), $transport, 'POST', $url, @data);
            my $body = $tampered->content;
            $body =~ s/size=small/size=large/ or die "no size=small in $body\n";
            $tampered->content($body);
            $tampered->header('Content-Length' => length $body);
            $res = $ua->request($tampered);
            check("$name tampered body refused", $res->code == 401, show($res));
        }
    }
}

sub run {
    my ($name, @args) = @_;
    eval { flow($name, @args); 1 } or check($name, 0, "$@");
}

my $hmac = { id => 'hmac-client', secret => $clients{'hmac-client'}{client_secret}, method => 'HMAC-SHA1' };
my $query_cb = $clients{'query-callback-client'};
my $cb = 'http://client.test/cb';

run("Net::OAuth HMAC-SHA1 $_", $hmac, $_, $cb) for qw(header query body);
run('Net::OAuth HMAC-SHA256 header', { %$hmac, method => 'HMAC-SHA256' }, 'header', $cb);
run("Net::OAuth RSA-SHA1 $_", { id => 'rsa-client', secret => '', method => 'RSA-SHA1' }, $_, $cb) for qw(header query body);
run("Net::OAuth PLAINTEXT $_", { %$hmac, method => 'PLAINTEXT' }, $_, $cb) for qw(header body);
run('Net::OAuth oob', $hmac, 'header', 'oob');
run("Net::OAuth callback with query $_", { id => 'query-callback-client', secret => $query_cb->{client_secret}, method => 'HMAC-SHA1' }, $_, $query_cb->{redirect_uri})
    for qw(header query body);

exit($failed ? 1 : 0);

use super::*;

const STRICT: TargetPolicy = TargetPolicy {
    allow_http: false,
    allow_private: false,
};

#[test]
fn public_https_urls_pass() {
    for url in [
        "https://hooks.bergen.kommune.no/toolreg",
        "https://93.184.215.14/hook",
        "https://[2606:4700::1111]/hook",
    ] {
        assert!(STRICT.check_url(url).is_ok(), "{url}");
    }
}

#[test]
fn plain_http_only_when_allowed() {
    assert_eq!(
        STRICT.check_url("http://hooks.example.no/"),
        Err(TargetError::NotHttps)
    );
    assert_eq!(
        STRICT.check_url("ftp://hooks.example.no/"),
        Err(TargetError::NotHttps)
    );
    let http = TargetPolicy {
        allow_http: true,
        ..STRICT
    };
    assert!(http.check_url("http://hooks.example.no/").is_ok());
}

#[test]
fn every_internal_range_is_refused() {
    for url in [
        "https://127.0.0.1/",
        "https://127.8.9.10/",
        "https://0.0.0.0/",
        "https://10.1.2.3/",
        "https://172.16.0.1/",
        "https://172.31.255.255/",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/",
        "https://100.127.255.254/",
        "https://224.0.0.1/",
        "https://239.255.255.250/",
        "https://255.255.255.255/",
        "https://192.0.2.1/",
        "https://198.18.0.1/",
        "https://[::1]/",
        "https://[::]/",
        "https://[fe80::1]/",
        "https://[fd00:ec2::254]/",
        "https://[fc00::1]/",
        "https://[ff02::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:10.0.0.1]/",
        "https://[64:ff9b::a9fe:a9fe]/",
        // Integer and hex spellings are parsed as the address they are.
        "https://2130706433/",
        "https://0x7f.1/",
    ] {
        assert!(
            matches!(STRICT.check_url(url), Err(TargetError::Internal(_))),
            "{url}: {:?}",
            STRICT.check_url(url)
        );
    }
}

#[test]
fn neighbours_of_internal_ranges_are_public() {
    for ip in [
        "172.15.255.255",
        "172.32.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "169.253.1.1",
        "11.0.0.1",
        "223.255.255.254",
        "2001:4860::8888",
    ] {
        let ip: IpAddr = ip.parse().expect("ip");
        assert!(is_public(ip), "{ip}");
    }
}

#[test]
fn internal_names_and_credentials_are_refused() {
    for url in [
        "https://localhost/",
        "https://LOCALHOST./",
        "https://api.localhost/",
        "https://metadata.google.internal/computeMetadata/v1/",
    ] {
        assert!(
            matches!(STRICT.check_url(url), Err(TargetError::InternalName(_))),
            "{url}"
        );
    }
    assert_eq!(
        STRICT.check_url("https://user:pw@hooks.example.no/"),
        Err(TargetError::Credentials)
    );
    assert!(matches!(
        STRICT.check_url("not a url"),
        Err(TargetError::Malformed(_))
    ));
}

#[test]
fn a_deployment_may_allow_private_targets() {
    let open = TargetPolicy {
        allow_http: true,
        allow_private: true,
    };
    assert!(open.check_url("http://127.0.0.1:8080/hook").is_ok());
    assert!(open.check_url("http://localhost:8080/hook").is_ok());
}

fn table(entries: &'static [(&'static str, &'static str)]) -> Lookup {
    Arc::new(move |name: String| {
        Box::pin(async move {
            let found: Vec<IpAddr> = entries
                .iter()
                .filter(|(n, _)| *n == name)
                .filter_map(|(_, ip)| ip.parse().ok())
                .collect();
            if found.is_empty() {
                Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such name",
                ))
            } else {
                Ok(found)
            }
        })
    })
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn a_name_resolving_to_an_internal_address_is_refused_at_connect_time() {
    let resolver = GuardedResolver::new(
        STRICT,
        table(&[
            ("sneaky.example.no", "127.0.0.1"),
            ("mixed.example.no", "10.0.0.5"),
            ("mixed.example.no", "93.184.215.14"),
            ("fine.example.no", "93.184.215.14"),
        ]),
    );
    // The URL passes registration: nothing in it is internal.
    assert!(STRICT.check_url("https://sneaky.example.no/hook").is_ok());
    assert_eq!(
        block_on(resolver.resolve_checked("sneaky.example.no")),
        Err(TargetError::Internal("127.0.0.1".into()))
    );
    // Only the public address of a mixed answer may be connected to.
    assert_eq!(
        block_on(resolver.resolve_checked("mixed.example.no")),
        Ok(vec!["93.184.215.14".parse::<IpAddr>().expect("ip")])
    );
    assert_eq!(
        block_on(resolver.resolve_checked("nowhere.example.no")),
        Err(TargetError::Unresolved("nowhere.example.no".into()))
    );
    let open = GuardedResolver::new(
        TargetPolicy {
            allow_http: true,
            allow_private: true,
        },
        table(&[("sneaky.example.no", "127.0.0.1")]),
    );
    assert!(block_on(open.resolve_checked("sneaky.example.no")).is_ok());
}

//! One connection to the team database. The driver is asynchronous; a runtime of one thread
//! of our own drives it, so that every exchange has a deadline: a server that accepts and
//! never answers, or stops answering mid-way, costs a bounded wait and an error, never a
//! thread stuck for good.

use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime, pem::PemObject as _};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::Client;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::TeamError;
use super::url::{CONNECT_TIMEOUT, TeamUrl, Tls};

/// How long one exchange (a batch of events, a query) may take.
pub const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(15);

/// A connection to the team database (`team::connect` brings its schema up to date).
pub struct Link {
    runtime: tokio::runtime::Runtime,
    client: Client,
    url: TeamUrl,
}

impl Link {
    /// Connects within [`CONNECT_TIMEOUT`] for the connection and as long again for the
    /// server's greeting.
    pub fn connect(url: &TeamUrl) -> Result<Self, TeamError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| {
                TeamError::Unreachable(format!("{url}: 연결을 준비할 수 없습니다: {e}"))
            })?;
        let tls = MakeRustlsConnect::new(client_config(&url.tls)?);
        let config = url.config.clone();
        let connected = runtime.block_on(async {
            tokio::time::timeout(CONNECT_TIMEOUT * 2, config.connect(tls)).await
        });
        let (client, connection) = match connected {
            Ok(Ok(pair)) => pair,
            Ok(Err(err)) => return Err(TeamError::from_postgres(url, "연결할 수 없습니다", &err)),
            Err(_) => {
                return Err(TeamError::Unreachable(format!(
                    "{url}: 서버가 {}초 안에 답하지 않습니다",
                    (CONNECT_TIMEOUT * 2).as_secs()
                )));
            }
        };
        // The connection's own task: it carries every exchange while `block_on` runs.
        runtime.spawn(connection);
        Ok(Self {
            runtime,
            client,
            url: url.clone(),
        })
    }

    pub fn url(&self) -> &TeamUrl {
        &self.url
    }

    /// Runs one exchange with the server within [`EXCHANGE_TIMEOUT`]; `doing` says what, for
    /// the message if it fails.
    pub fn run<T>(
        &mut self,
        doing: &str,
        exchange: impl AsyncFnOnce(&mut Client) -> Result<T, tokio_postgres::Error>,
    ) -> Result<T, TeamError> {
        let client = &mut self.client;
        let result = self
            .runtime
            .block_on(async { tokio::time::timeout(EXCHANGE_TIMEOUT, exchange(client)).await });
        match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => Err(TeamError::from_postgres(&self.url, doing, &err)),
            Err(_) => Err(TeamError::Unreachable(format!(
                "{}: {doing}: 서버가 {}초 안에 답하지 않습니다",
                self.url,
                EXCHANGE_TIMEOUT.as_secs()
            ))),
        }
    }
}

/// The TLS settings for `tls`: rustls with the ring provider.
fn client_config(tls: &Tls) -> Result<ClientConfig, TeamError> {
    // ring, not aws-lc-rs: pure crates that build in seconds (aws-lc is a large C build).
    // rustls marks ring's provider deprecated for its lack of post-quantum key exchange,
    // which a team's PostgreSQL does not offer either.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| TeamError::Address(format!("TLS를 준비할 수 없습니다: {e}")))?;
    let (root, host_name) = match tls {
        Tls::Off | Tls::Encrypt { root: None, .. } => {
            // Encrypted, the certificate not checked: libpq's `prefer` and `require`.
            return Ok(builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
                .with_no_client_auth());
        }
        Tls::Encrypt {
            root: Some(root), ..
        } => (root, true),
        Tls::Verify { root, host_name } => (root, *host_name),
    };
    let mut roots = RootCertStore::empty();
    let certificates = CertificateDer::pem_file_iter(root).map_err(|_| {
        TeamError::Address(format!(
            "서버 인증서를 확인할 루트 인증서를 읽을 수 없습니다: {}",
            crate::text::path(root)
        ))
    })?;
    for certificate in certificates.flatten() {
        let _ = roots.add(certificate);
    }
    if roots.is_empty() {
        return Err(TeamError::Address(format!(
            "루트 인증서 파일에 인증서가 없습니다: {}",
            crate::text::path(root)
        )));
    }
    let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        Arc::clone(&provider),
    )
    .build()
    .map_err(|e| TeamError::Address(format!("TLS를 준비할 수 없습니다: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = if host_name {
        verifier
    } else {
        Arc::new(ChainOnly(verifier))
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// Accepts any certificate (the handshake's signatures are still checked): encryption
/// without authentication, as libpq's `sslmode=require` without a root certificate.
#[derive(Debug)]
struct Unchecked(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to the root; the name on the certificate is not asked.
#[derive(Debug)]
struct ChainOnly(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

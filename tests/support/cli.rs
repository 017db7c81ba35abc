//! What the test binaries that run the console's CLI share.

use std::process::Output;

/// The JSON a command printed, once it is known to have succeeded (its stderr shown if not).
pub fn json_of(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

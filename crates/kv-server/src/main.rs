//! `kv-server [path/to/redis.conf] [--directive value ...]` — the thin binary.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(args.first().map(String::as_str), Some("-v" | "--version")) {
        println!("{}", kv_server::version_line());
        return;
    }
    if matches!(args.first().map(String::as_str), Some("-h" | "--help")) {
        println!("Usage: kv-server [/path/to/redis.conf] [options]");
        println!("       kv-server -v or --version");
        println!("       kv-server -h or --help");
        println!();
        println!("Examples:");
        println!("       kv-server (run the server with default config)");
        println!("       kv-server /etc/redis/6379.conf");
        println!("       kv-server --port 7777");
        println!("       kv-server /etc/myredis.conf --loglevel verbose");
        return;
    }
    if let Err(e) = kv_server::run(args) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

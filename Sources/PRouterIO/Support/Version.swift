/// The toolbox version, shown by every tool's `--version`.
public let prouterVersion = "0.1.0"

/// The exit status section shared by every tool's manual page and `--help`.
public let exitStatusHelp = """
    EXIT STATUS: 0 success; 64 bad command line; 65 bad input data (the message names \
    FILE:LINE and the field); 66 an input file cannot be opened; 69 a service or feature is not available; \
    73 an output file cannot be created; 74 an I/O error; 75 a remote service kept failing, or another run holds the output's lock (run \
    again later); 77 a remote service refused the credentials. File formats: FORMATS.md (docs/ in the source; share/doc/prouter/ where `make install` puts it).
    """

// The helpers every test target shares (scratch directories, error messages, small
// worlds, running the built tools) live in the PRouterTestSupport target.
@_exported import PRouterTestSupport

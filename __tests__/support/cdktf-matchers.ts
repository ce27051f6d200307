import { Testing } from "cdktf";

// cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) for the suites that
// import this; the others do not load them.
Testing.setupJest();

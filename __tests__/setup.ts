import "aws-sdk-client-mock-jest";
import { Testing } from "cdktf";

// Registers cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) on expect.
Testing.setupJest();

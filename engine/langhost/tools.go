//go:build tools

package langhost

import _ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"

// Command signinspect reads Microsoft Entra ID sign-in log exports offline
// and explains why sign-ins failed.
package main

import (
	"os"

	"github.com/signinspect/signinspect/cmd"
)

func main() {
	os.Exit(cmd.Main())
}

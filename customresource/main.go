// Command customresource is the Custom::QuiltPrivateEndpoints preflight Lambda.
package main

func main() {}

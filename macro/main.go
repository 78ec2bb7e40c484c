// Command macro is the QuiltPrivateEndpoints CloudFormation macro Lambda.
package main

func main() {}

// Package wire writes the AWS XML wire shapes the project's doubles
// (internal/awsfake, internal/stackfake) answer with, each shape in one
// place: the Query protocol's response envelope and error envelope
// (CloudFormation, Elastic Load Balancing v2, STS; Route 53 errors share the
// error envelope), EC2's own response and error shapes, and S3's error. It is test
// support: it imports the standard library only, no code under test.
package wire

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

// contentType is what AWS sends with an XML body.
const contentType = "text/xml;charset=UTF-8"

// Query writes a Query-protocol answer for action: result (already
// escaped XML, the children of <ActionResult>) inside
// <ActionResponse xmlns=ns>, followed by its ResponseMetadata/RequestId.
func Query(w http.ResponseWriter, ns, action, result, requestID string) {
	header(w, requestID)
	fmt.Fprintf(w, `%s<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`,
		xml.Header, action, ns, action, result, action, Escape(requestID), action)
}

// QueryError writes the Query protocol's error envelope (also Route 53's):
// the status, and <ErrorResponse xmlns=ns> with the error's Type (Sender
// for a status below 500, else Receiver), Code and Message, and RequestId.
func QueryError(w http.ResponseWriter, ns string, status int, code, message, requestID string) {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	header(w, requestID)
	w.WriteHeader(status)
	fmt.Fprintf(w, `%s<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
		xml.Header, ns, typ, Escape(code), Escape(message), Escape(requestID))
}

// EC2Namespace is the xmlns of every EC2 answer (API version 2016-11-15).
const EC2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

// EC2 writes an EC2 answer for action: <ActionResponse xmlns> with its
// requestId first, then inner (already encoded XML, no Result wrapper: EC2
// has none).
func EC2(w http.ResponseWriter, action string, inner []byte, requestID string) {
	header(w, requestID)
	fmt.Fprintf(w, `%s<%sResponse xmlns="%s"><requestId>%s</requestId>`, xml.Header, action, EC2Namespace, Escape(requestID))
	_, _ = w.Write(inner)
	fmt.Fprintf(w, "</%sResponse>", action)
}

// EC2Error writes EC2's error shape: the status, and
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>
// (no namespace, no Type, RequestID spelt in capitals).
func EC2Error(w http.ResponseWriter, status int, code, message, requestID string) {
	header(w, requestID)
	w.WriteHeader(status)
	fmt.Fprintf(w, "%s<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>",
		xml.Header, Escape(code), Escape(message), Escape(requestID))
}

// S3Error writes S3's error shape (REST-XML): the status, and
// <Error><Code/><Message/><RequestId/></Error> with the request id in the
// x-amz-request-id header too. A HEAD answer has no body: answer it with
// the status only.
func S3Error(w http.ResponseWriter, status int, code, message, requestID string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("x-amz-request-id", requestID)
	w.WriteHeader(status)
	fmt.Fprintf(w, "%s<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>", xml.Header, Escape(code), Escape(message), Escape(requestID))
}

// Escape escapes s for XML character data.
func Escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func header(w http.ResponseWriter, requestID string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-RequestId", requestID)
}

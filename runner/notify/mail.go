package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
)

// ShouldMail reports whether the status mail is configured and due for
// this outcome.
func ShouldMail(e job.Email, outcome report.Outcome) bool {
	return e.Host != "" && (e.When == job.EmailAlways || outcome != report.Success)
}

// Mail sends the status mail of a run: subject with job, host and
// outcome; body with the human summary and the files that were not
// copied; the JSON report attached. getenv reads password_env. The error
// is for the caller to report: it never changes the backup's outcome.
func Mail(rep *report.Report, e job.Email, getenv func(string) string) error {
	password := ""
	switch {
	case e.PasswordEnv != "":
		password = getenv(e.PasswordEnv)
		if password == "" && e.User != "" {
			return fmt.Errorf("status mail: the environment variable %s (notify.email.password_env) is empty", e.PasswordEnv)
		}
	case e.PasswordFile != "":
		b, err := os.ReadFile(e.PasswordFile)
		if err != nil {
			return fmt.Errorf("status mail: reading notify.email.password_file: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	opts := []mail.Option{mail.WithPort(e.Port), mail.WithTimeout(30 * time.Second)}
	switch e.Security {
	case job.EmailTLS:
		opts = append(opts, mail.WithSSL())
	case job.EmailNoTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default: // job.EmailSTARTTLS
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if e.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(e.User), mail.WithPassword(password))
	}
	client, err := mail.NewClient(e.Host, opts...)
	if err != nil {
		return fmt.Errorf("status mail: %w", err)
	}
	msg := mail.NewMsg()
	if err := msg.From(e.From); err != nil {
		return fmt.Errorf("status mail: from: %w", err)
	}
	if err := msg.To(e.To...); err != nil {
		return fmt.Errorf("status mail: to: %w", err)
	}
	msg.Subject(MailSubject(rep))
	var body strings.Builder
	rep.WriteSummary(&body)
	fmt.Fprintf(&body, "\nrun folder: %s\nThe full report is attached.\n", rep.RunDir)
	msg.SetBodyString(mail.TypeTextPlain, strings.TrimLeft(body.String(), "\n"))
	data, _ := json.MarshalIndent(rep, "", "  ")
	if err := msg.AttachReader(fmt.Sprintf("vssmirror-%s-%s.json", rep.Job, rep.RunID), bytes.NewReader(data)); err != nil {
		return fmt.Errorf("status mail: attaching the report: %w", err)
	}
	if err := client.DialAndSend(msg); err != nil {
		return fmt.Errorf("status mail via %s:%d: %w", e.Host, e.Port, err)
	}
	return nil
}

// MailSubject is "[vssmirror] <job> on <host>: <OUTCOME>".
func MailSubject(rep *report.Report) string {
	return fmt.Sprintf("[vssmirror] %s on %s: %s", rep.Job, rep.Host, strings.ToUpper(string(rep.Outcome)))
}

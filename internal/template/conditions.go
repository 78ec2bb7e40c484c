package template

import "fmt"

// Truth is a condition's value: true, false, or unknown (it compares a
// value known only at deploy time).
type Truth int

// The values of a condition.
const (
	Unknown Truth = iota
	True
	False
)

// TruthOf is b as a Truth.
func TruthOf(b bool) Truth {
	if b {
		return True
	}
	return False
}

// Conditions is the one condition evaluator: it evaluates a template's
// named conditions (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition),
// each once. Operand resolves a Fn::Equals operand; known is false when
// its value is only known at deploy time. Fn::Equals compares with Equal.
type Conditions struct {
	defs    map[string]any
	operand func(v any) (value any, known bool)
	memo    map[string]condResult
}

type condResult struct {
	t   Truth
	err error
}

// NewConditions evaluates the Conditions section defs.
func NewConditions(defs map[string]any, operand func(any) (any, bool)) *Conditions {
	return &Conditions{defs: defs, operand: operand, memo: map[string]condResult{}}
}

// Eval returns the value of the named condition. The error names what
// CloudFormation refuses (an undeclared condition, a cycle, a malformed
// function); the value is then Unknown.
func (c *Conditions) Eval(name string) (Truth, error) {
	if r, ok := c.memo[name]; ok {
		return r.t, r.err
	}
	c.memo[name] = condResult{Unknown, fmt.Errorf("condition %s refers to itself", name)}
	def, ok := c.defs[name]
	if !ok {
		r := condResult{Unknown, fmt.Errorf("condition %s is not declared", name)}
		c.memo[name] = r
		return r.t, r.err
	}
	t, err := c.Expr(def)
	if err != nil {
		err = fmt.Errorf("condition %s: %w", name, err)
	}
	c.memo[name] = condResult{t, err}
	return t, err
}

// Expr evaluates a condition function.
func (c *Conditions) Expr(v any) (Truth, error) {
	name, arg, ok := Intrinsic(v)
	if !ok {
		if b, isBool := v.(bool); isBool {
			return TruthOf(b), nil
		}
		return Unknown, fmt.Errorf("%s is not a condition function", KindOf(v))
	}
	args, _ := arg.([]any)
	switch name {
	case "Condition":
		s, _ := arg.(string)
		return c.Eval(s)
	case "Fn::Equals":
		if len(args) != 2 {
			return Unknown, fmt.Errorf("Fn::Equals needs two values")
		}
		a, aok := c.operand(args[0])
		b, bok := c.operand(args[1])
		if !aok || !bok {
			return Unknown, nil
		}
		return TruthOf(Equal(a, b)), nil
	case "Fn::Not":
		if len(args) != 1 {
			return Unknown, fmt.Errorf("Fn::Not needs one condition")
		}
		t, err := c.Expr(args[0])
		switch t {
		case True:
			return False, err
		case False:
			return True, err
		}
		return Unknown, err
	case "Fn::And", "Fn::Or":
		and := name == "Fn::And"
		out := TruthOf(and)
		var firstErr error
		for _, a := range args {
			t, err := c.Expr(a)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			switch t {
			case Unknown:
				out = Unknown
			case False:
				if and {
					return False, firstErr
				}
			case True:
				if !and {
					return True, firstErr
				}
			}
		}
		return out, firstErr
	}
	return Unknown, fmt.Errorf("%s is not a condition function", name)
}

"""The evaluation case's commands, one plain mixin per family (`EvaluationCase` is made of them): each checks the
case (`case_guards`) and then triggers an event defined on `EvaluationCase`, where eventsourcing makes it an event
class. The families and their commands are listed in `evaluation_case`'s docstring."""

"""The clauses an evaluation case's events cite, as they are recorded.

Clauses are cited against the notice governing the case (its `notice`, e.g. "seed 003"): all five notices carry
these rules in the same sections (四 retakes; 二(四) fees).
"""

from __future__ import annotations

from cases.rules.sanctions import NO_RETAKE_COMPETITION

# 四(二): re-applying inside the window waives the retake, and the passes no longer count.
RETAKE_WAIVED = "四(二): 视为放弃补考机会，之前的合格科目成绩不再保留"
# 四(四): a competition candidate who failed has no retake.
NO_RETAKE = NO_RETAKE_COMPETITION
# 四(一): past the validity window every subject is applied for again.
WINDOW_CLOSED = "四(一): 超过成绩有效期须重新申报所有科目认定"
# seed 000 二(四)1: no refund for not sitting, for personal reasons (an absence, a withdrawal).
NO_REFUND_CLAUSE = "seed 000 二(四)1: 因个人原因不参加考试的参评人员不退费"
# seed 004 二(四): a body with a payment window takes payment only inside it.
PAYMENT_WINDOW = "seed 004 二(四)"
# DOMAIN §5: qualified when every subject of the level is passed within one validity window.
PASS_CLAUSE = "DOMAIN §5: every subject of the level passed within one validity window"
# 须知, last paragraph: misconduct found after the certificate was issued invalidates it.
INVALIDATED_CLAUSE = "须知 末段: 已颁发证书的…宣布评价成绩无效，并对已发放证书…作出相应处理"

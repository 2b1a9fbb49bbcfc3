function __pr-sim_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-sim_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pr-sim_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-sim_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pr-sim_parse_tokens -S
    set -l unparsed_tokens (__pr-sim_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pr-sim'
        __pr-sim_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'simulate'
            __pr-sim_parse_subcommand 1 'llms=' 'users=' 'sweep=' 'alpha=' 'beta=' 'user=' 'labels=' 'label-users=' 'queries-per-user=' 'seed=' 'o/output=' 'line-buffered' 'q/quiet' 'v/verbose' 'version' 'h/help'
        case 'judge'
            __pr-sim_parse_subcommand 1 'users=' 'questionnaire=' 'llms=' 'judge-model=+' 'prompt-style=' 'seed=' 'dry-run' 'base-url=' 'api-key-env=' 'jobs=' 'timeout=' 'retries=' 'backoff=' 'max-backoff=' 'parse-retries=' 'errors=' 'v/verbose' 'o/output=' 'q/quiet' 'version' 'h/help'
        case 'multi-turn'
            __pr-sim_parse_subcommand 1 'users=' 'o/output=' 'q/quiet' 'v/verbose' 'version' 'h/help'
        case 'calibrate'
            __pr-sim_parse_subcommand 1 'llms=' 'budget=' 'max-expensive-share=' 'o/output=' 'q/quiet' 'v/verbose' 'version' 'h/help'
        case 'help'
            __pr-sim_parse_subcommand -r 1 'version'
        end
    end
end

function __pr-sim_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pr-sim_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __pr-sim_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pr-sim_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pr-sim_tokens -p)
    if test -z "$(__pr-sim_tokens -t)"
        set -l index (count (__pr-sim_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pr-sim' -f
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim" version' -l 'version' -d 'Show the version.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_positional "pr-sim" -eq 1' -fa 'simulate' -d 'Turn a response table and user preferences or labels into interactions (the default).'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_positional "pr-sim" -eq 1' -fa 'judge' -d 'Ask judge LLMs which response each user would prefer (LLM-as-a-Judge).'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_positional "pr-sim" -eq 1' -fa 'multi-turn' -d 'Mark the response each simulated user prefers in every conversation turn.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_positional "pr-sim" -eq 1' -fa 'calibrate' -d 'Find the cost weight (alpha/beta) that meets a budget on a response table.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_positional "pr-sim" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_positional "pr-sim simulate" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" llms' -l 'llms' -d 'LLM prices (llms.jsonl), to cost responses given as token counts.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" users' -l 'users' -d 'Users with alpha and beta (users.jsonl).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" sweep' -l 'sweep' -d 'Generate N users (1...1000000), alpha evenly from 0.2 to 1.0, beta = 1 - alpha.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" alpha' -l 'alpha' -d 'One ad-hoc user\'s weight on normalized performance.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" beta' -l 'beta' -d 'One ad-hoc user\'s weight against normalized cost.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" user' -l 'user' -d 'The ad-hoc user\'s id.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" labels' -l 'labels' -d 'Judge mode: preference labels (labels.jsonl).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" label-users' -l 'label-users' -d 'With --labels: \'user\', or \'configuration\' for one user per user, judge and prompt style (USER/JUDGE/STYLE).' -rfka 'user configuration'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" queries-per-user' -l 'queries-per-user' -d 'Give each user K distinct queries drawn at random instead of all.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" seed' -l 'seed' -d 'Seed for --queries-per-user.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" o output' -l 'output' -s 'o' -d 'Write to this file (atomically) instead of standard output.' -rF
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" line-buffered' -l 'line-buffered' -d 'Flush every line (the default when standard output is a terminal).'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" q quiet' -l 'quiet' -s 'q' -d 'Print nothing on standard error but warnings and errors.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" v verbose' -l 'verbose' -s 'v' -d 'Finish with the run\'s time and peak memory on standard error.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" version' -l 'version' -d 'Show the version.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim simulate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_positional "pr-sim judge" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" users' -l 'users' -d 'Users with profile texts (users.jsonl).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" questionnaire' -l 'questionnaire' -d 'Human questionnaire answers to turn into labels.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" llms' -l 'llms' -d 'LLM prices (llms.jsonl), for responses given as token counts.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge"' -l 'judge-model' -l 'model' -d 'A judge model (repeatable).' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" prompt-style' -l 'prompt-style' -d 'The prompt style: 1 (answer directly), 2 (reason first) or both.' -rfka '1 2 both'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" seed' -l 'seed' -d 'Seed for the response order shown to the judge and the retry jitter.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" dry-run' -l 'dry-run' -d 'Write the request bodies instead of sending them.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" base-url' -l 'base-url' -d 'The endpoint\'s base address (BASE/v1/chat/completions).' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" api-key-env' -l 'api-key-env' -d 'The environment variable holding the API key.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" jobs' -l 'jobs' -d 'Requests in flight at once.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" timeout' -l 'timeout' -d 'Seconds one request may take.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" retries' -l 'retries' -d 'Tries per request on connection errors, timeouts, 429 and 5xx.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" backoff' -l 'backoff' -d 'Seconds to wait after the first failure (doubling after each).' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" max-backoff' -l 'max-backoff' -d 'The longest wait between tries, unless Retry-After asks for more.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" parse-retries' -l 'parse-retries' -d 'Extra tries for a reply that cannot be parsed.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" errors' -l 'errors' -d 'Append failed requests here.' -rF
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" v verbose' -l 'verbose' -s 'v' -d 'Report every retry, and finish with the run\'s time and peak memory, on standard error.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" o output' -l 'output' -s 'o' -d 'Labels: appended to and resumed (sending), else written atomically.' -rF
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" q quiet' -l 'quiet' -s 'q' -d 'Print nothing on standard error but warnings and errors.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" version' -l 'version' -d 'Show the version.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim judge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_positional "pr-sim multi-turn" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim multi-turn" users' -l 'users' -d 'Users with weights (users.jsonl).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim multi-turn" o output' -l 'output' -s 'o' -d 'Write to this file (atomically) instead of standard output.' -rF
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim multi-turn" q quiet' -l 'quiet' -s 'q' -d 'Print nothing on standard error but warnings and errors.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim multi-turn" v verbose' -l 'verbose' -s 'v' -d 'Finish with the run\'s time and peak memory on standard error.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim multi-turn" version' -l 'version' -d 'Show the version.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim multi-turn" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_positional "pr-sim calibrate" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim calibrate" llms' -l 'llms' -d 'LLM prices (llms.jsonl), to cost responses given as token counts.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim calibrate" budget' -l 'budget' -d 'US dollars per 1,000 queries.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim calibrate" max-expensive-share' -l 'max-expensive-share' -d 'Largest share (0...1) of queries for the most expensive LLM.' -rfka ''
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim calibrate" o output' -l 'output' -s 'o' -d 'Write to this file (atomically) instead of standard output.' -rF
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim calibrate" q quiet' -l 'quiet' -s 'q' -d 'Print nothing on standard error but warnings and errors.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim calibrate" v verbose' -l 'verbose' -s 'v' -d 'Finish with the run\'s time and peak memory on standard error.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim calibrate" version' -l 'version' -d 'Show the version.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim calibrate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-sim' -n '__pr-sim_should_offer_completions_for_flags_or_options "pr-sim help" version' -l 'version' -d 'Show the version.'
